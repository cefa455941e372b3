package dev.bazaar.contract;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares, once, how a contract record travels: its message type and schema version, the exchange
 * and routing key it is published with, and the service that may send it (whose broker user must
 * publish it). Publishing derives the envelope from it; consumers register handlers by the record
 * class; the AsyncAPI document is generated from it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface MessageContract {

  /** The message's type name on the wire (AMQP {@code type} property). */
  String type();

  /** Schema version of the payload; bump it for any breaking change. */
  int version();

  /** {@link Exchanges#EVENTS} or {@link Exchanges#COMMANDS}. */
  String exchange();

  /** Routing key, {@code <owning service>.<type>}. */
  String routingKey();

  /** The one service that may publish it: its name is its broker user. */
  String sender();
}
