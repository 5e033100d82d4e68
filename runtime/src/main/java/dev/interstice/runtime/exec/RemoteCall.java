package dev.interstice.runtime.exec;

import dev.interstice.abi.value.IntersticeValue;
import java.util.List;

/** A reducer call to another node, sent only once the transaction that made it commits. */
public record RemoteCall(String node, String module, String reducer, List<IntersticeValue> args, String callerModule) {}
