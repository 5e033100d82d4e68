package dev.interstice.abi.schema;

/** Upstream {@code SubscriptionEventSchema}; {@link #tag()} is the postcard discriminant. */
public sealed interface SubscriptionEvent {
    int tag();

    enum TableEventKind {
        INSERT,
        UPDATE,
        DELETE
    }

    /** Insert = 0, Update = 1, Delete = 2. */
    record Table(TableEventKind kind, Selection node, String module, String table) implements SubscriptionEvent {
        public int tag() {
            return kind.ordinal();
        }
    }

    record ReplicaSync(String node, String module, String table) implements SubscriptionEvent {
        public int tag() {
            return 3;
        }
    }

    record File(String path, boolean recursive) implements SubscriptionEvent {
        public int tag() {
            return 11;
        }
    }

    /** The events without payload; the enum ordinal order follows the discriminants. */
    enum Simple {
        INIT,
        LOAD,
        INPUT,
        AUDIO_OUTPUT,
        AUDIO_INPUT,
        RENDER,
        NETWORK,
        MODULE_LOAD,
        MODULE_REMOVE,
        CONNECT,
        DISCONNECT
    }

    record Core(Simple kind) implements SubscriptionEvent {
        public int tag() {
            return switch (kind) {
                case INIT -> 4;
                case LOAD -> 5;
                case INPUT -> 6;
                case AUDIO_OUTPUT -> 7;
                case AUDIO_INPUT -> 8;
                case RENDER -> 9;
                case NETWORK -> 10;
                case MODULE_LOAD -> 12;
                case MODULE_REMOVE -> 13;
                case CONNECT -> 14;
                case DISCONNECT -> 15;
            };
        }
    }
}
