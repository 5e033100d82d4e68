package dev.interstice.abi.host.gpu;

import java.util.Optional;

/** How vertices form primitives; {@code cullMode} empty: no culling. */
public record PrimitiveState(PrimitiveTopology topology, Optional<CullMode> cullMode, FrontFace frontFace) {}
