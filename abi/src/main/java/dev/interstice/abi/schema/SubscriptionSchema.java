package dev.interstice.abi.schema;

public record SubscriptionSchema(String reducer, SubscriptionEvent event) {}
