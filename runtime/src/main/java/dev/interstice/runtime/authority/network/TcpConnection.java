package dev.interstice.runtime.authority.network;

import static dev.interstice.abi.codec.AuthorityCodec.bytesValue;
import static dev.interstice.abi.codec.AuthorityCodec.field;
import static dev.interstice.abi.codec.AuthorityCodec.networkEvent;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.runtime.module.LoadedModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TCP connection (outbound or accepted), TLS terminated here when asked. Its reader stops reading while
 * {@code receiveWindow} received chunks wait for delivery, so a slow module slows the peer down instead of growing
 * the node's memory; its writer sends queued bytes in order, bounded by {@code sendQueueBytes}.
 */
final class TcpConnection extends NetSocket {
    private static final byte[] CLOSE = new byte[0];

    private final NetworkPolicy.Limits limits;
    private final LinkedBlockingQueue<byte[]> sendQueue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Semaphore window;
    /** Bytes of TcpSend calls whose transactions have not committed yet (under the execution lock). */
    private long reservedBytes;

    private volatile Socket socket;
    private volatile boolean ended;

    TcpConnection(long handle, LoadedModule owner, NetworkAuthority net) {
        super(handle, owner, net);
        this.limits = net.policy().limits();
        this.window = new Semaphore(limits.receiveWindow());
    }

    @Override
    String describe() {
        return "connection " + handle;
    }

    /** Reserves room in the send queue for a TcpSend call, or says why there is none. */
    synchronized String reserve(int n) {
        if (closing) return describe() + " is closed";
        long waiting = queuedBytes.get() + reservedBytes;
        if (waiting + n > limits.sendQueueBytes())
            return "the send queue of " + describe() + " is full (" + waiting + " bytes waiting, the limit is "
                    + limits.sendQueueBytes() + "): wait until the peer has read some";
        reservedBytes += n;
        return null;
    }

    synchronized void unreserve(int n) {
        reservedBytes -= n;
    }

    /** A committed TcpSend: queues the bytes for the writer. */
    void send(byte[] data) {
        synchronized (this) {
            reservedBytes -= data.length;
        }
        if (ended || data.length == 0) return;
        queuedBytes.addAndGet(data.length);
        sendQueue.add(data);
    }

    /** A committed TcpClose: the writer sends what is queued, then closes. */
    void closeAfterSends() {
        sendQueue.add(CLOSE);
    }

    /**
     * Resolves {@code host}, checks the policy on its addresses, connects, then reads until the end; on a thread of
     * its own. A refusal or failure is a ConnectFailed event.
     */
    void connect(String host, int port, boolean tls, String serverName) {
        Thread.ofVirtual().name("interstice-net-" + handle).start(() -> {
            Socket s;
            InetAddress address;
            try {
                address = net.resolveEgress(host, port);
            } catch (IOException e) {
                fail("ConnectFailed", reason(e));
                return;
            }
            try {
                s = new Socket();
                socket = s;
                s.connect(new InetSocketAddress(address, port), limits.connectTimeoutMs());
                if (tls) {
                    String name = serverName.isEmpty() ? host : serverName;
                    s = net.tls().handshake(s, name, port, limits.connectTimeoutMs());
                    socket = s;
                }
            } catch (IOException | RuntimeException e) {
                fail("ConnectFailed", (tls ? "TLS handshake or connect failed: " : "connect failed: ") + reason(e));
                return;
            }
            if (ended) {
                closeQuietly();
                return;
            }
            emit(networkEvent("Connected", field("handle", IntersticeValue.u64(handle))));
            run(s);
        });
    }

    /** An accepted connection (its Accepted event is already queued): starts its reader and writer. */
    void accepted(Socket s) {
        socket = s;
        Thread.ofVirtual().name("interstice-net-" + handle).start(() -> run(s));
    }

    private void run(Socket s) {
        Thread.ofVirtual().name("interstice-net-" + handle + "-writer").start(() -> write(s));
        byte[] buf = new byte[limits.readChunkBytes()];
        try (InputStream in = s.getInputStream()) {
            while (!ended) {
                window.acquire();
                int n = in.read(buf);
                if (n < 0) {
                    end(networkEvent("Closed", field("handle", IntersticeValue.u64(handle))));
                    return;
                }
                byte[] data = Arrays.copyOf(buf, n);
                net.events()
                        .emit(new NetworkEvents.Delivery(
                                owner,
                                () -> networkEvent(
                                        "Received",
                                        field("handle", IntersticeValue.u64(handle)),
                                        field("data", bytesValue(data))),
                                n,
                                window::release));
            }
        } catch (IOException e) {
            // a TLS peer that closes without close_notify ends the stream too
            if (e instanceof java.io.EOFException) end(networkEvent("Closed", field("handle", u64())));
            else fail("Failed", reason(e));
        } catch (InterruptedException e) {
            closeQuietly();
        }
    }

    private void write(Socket s) {
        try {
            OutputStream out = s.getOutputStream();
            while (!ended) {
                byte[] data = sendQueue.take();
                if (data == CLOSE) {
                    if (markEnded()) net.unregister(this);
                    closeQuietly();
                    return;
                }
                out.write(data);
                queuedBytes.addAndGet(-data.length);
            }
        } catch (IOException e) {
            fail("Failed", reason(e));
        } catch (InterruptedException e) {
            closeQuietly();
        }
    }

    private IntersticeValue.U64 u64() {
        return IntersticeValue.u64(handle);
    }

    /** Ends the connection with {@code event}, unless it already ended (the module closed it, the node is closing). */
    private void end(IntersticeValue event) {
        if (!markEnded()) return;
        closeQuietly();
        net.unregister(this);
        emit(event);
    }

    /** True for the one caller that ends the connection. */
    private synchronized boolean markEnded() {
        if (ended) return false;
        ended = true;
        return true;
    }

    private void fail(String variant, String error) {
        end(networkEvent(variant, field("handle", u64()), field("error", IntersticeValue.str(error))));
    }

    private void emit(IntersticeValue event) {
        net.events().emit(new NetworkEvents.Delivery(owner, () -> event, 0, () -> {}));
    }

    @Override
    void abort() {
        ended = true;
        closeQuietly();
        sendQueue.clear();
        sendQueue.add(CLOSE); // wakes the writer
        window.release(limits.receiveWindow()); // wakes a reader waiting for room
    }

    private void closeQuietly() {
        Socket s = socket;
        if (s == null) return;
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }

    static String reason(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
