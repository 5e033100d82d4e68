package dev.interstice.abi.schema;

public record ModuleDependency(String moduleName, Version version) {}
