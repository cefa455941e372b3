package dev.bazaar.testing.contract;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exempts a test class from {@link ContractCallback}'s check; say why where it is used (the only
 * good reason is that its responses do not come from the documented application).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface UncheckedContract {
  /** Why the responses of this class are not checked. */
  String value();
}
