package dev.bazaar.payments.api;

import java.util.List;

/**
 * One page of the payments of one order ({@code page} from 0, {@code total} counts them all): the
 * paging of every list, although an order has at most one decided payment.
 */
public record PaymentList(List<PaymentView> items, int page, int size, long total) {}
