package dev.interstice.runtime.table;

import dev.interstice.abi.value.IndexKey;

/** One condition of a rows request's filter ({@code rows --where}): a column compared with a value. */
public record Condition(String field, Op op, IndexKey value) {
    /** Wire codes are the ordinals. */
    public enum Op {
        EQ("="),
        LT("<"),
        LTE("<="),
        GT(">"),
        GTE(">=");

        public final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }
    }
}
