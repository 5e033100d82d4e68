package dev.interstice.runtime.node;

/**
 * Bounds of time travel (docs/time-travel.md): branches a module may hold at once, rows a branch (or one past read)
 * may hold, and reducer calls a branch records (what a merge replays).
 */
public record BranchLimits(int maxBranches, int maxRows, int maxCalls) {
    public static final BranchLimits DEFAULT = new BranchLimits(8, 100_000, 1_000);

    public BranchLimits {
        if (maxBranches < 0 || maxRows < 1 || maxCalls < 0)
            throw new IllegalArgumentException(
                    "branch limits must be positive: " + maxBranches + ", " + maxRows + ", " + maxCalls);
    }
}
