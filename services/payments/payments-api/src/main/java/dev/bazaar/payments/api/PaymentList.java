package dev.bazaar.payments.api;

import java.util.List;

/** The payments of one order. */
public record PaymentList(List<PaymentView> items) {}
