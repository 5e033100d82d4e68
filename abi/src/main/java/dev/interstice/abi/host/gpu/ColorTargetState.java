package dev.interstice.abi.host.gpu;

import java.util.Optional;

/** One colour target of a render pipeline; {@code blend} empty: no blending. */
public record ColorTargetState(TextureFormat format, Optional<BlendState> blend, ColorWrites writeMask) {}
