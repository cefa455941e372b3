package dev.bazaar.launcher.state;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One instance of a service (or of the broker / PostgreSQL) as recorded in the state file. */
@JsonPropertyOrder({"service", "instance", "pid", "port", "state", "restarts"})
public record InstanceState(
    String service, String instance, long pid, int port, Phase state, int restarts) {}
