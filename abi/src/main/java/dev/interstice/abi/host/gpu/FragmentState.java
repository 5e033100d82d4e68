package dev.interstice.abi.host.gpu;

import java.util.List;

/** The fragment stage of a render pipeline and the colour targets it writes. */
public record FragmentState(int module, String entryPoint, List<ColorTargetState> targets) {
    public FragmentState {
        targets = List.copyOf(targets);
    }
}
