package dev.interstice.abi.schema;

public record NodeDependency(String name, String address) {}
