package dev.interstice.network;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Unix-domain stream connection (the node's local socket, docs/security.md) seen as a {@link Socket}, so that
 * {@link Connection}, the handshakes and the sessions serve it exactly as they serve TCP: the JDK's socket adaptor does
 * not cover Unix-domain channels. It implements what those use: the streams, close, shutdown, and a read timeout,
 * which here ends the connection (every reader here treats a timeout as the end of the connection anyway).
 */
final class LocalSocket extends Socket {
    /** Closes connections whose timed read is overdue; started on the first timed read. */
    private static final class Timer {
        static final ScheduledExecutorService TIMER =
                Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                        .name("interstice-local-timeouts")
                        .daemon(true)
                        .unstarted(r));
    }

    private final SocketChannel channel;
    private final Path path;
    private final InputStream in;
    private final OutputStream out;
    private volatile int timeoutMillis;
    private volatile boolean timedOut;
    private volatile boolean inputShut;
    private volatile boolean outputShut;

    LocalSocket(SocketChannel channel, Path path) throws IOException {
        super((SocketImpl) null);
        this.channel = channel;
        this.path = path;
        InputStream raw = Channels.newInputStream(channel);
        this.in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return timedRead(raw, b, off, len);
            }

            @Override
            public int available() throws IOException {
                return raw.available();
            }

            @Override
            public void close() throws IOException {
                LocalSocket.this.close();
            }
        };
        this.out = Channels.newOutputStream(channel);
    }

    /** Connects to the Unix-domain socket at {@code path}. */
    static LocalSocket connect(Path path) throws IOException {
        var ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(path));
            return new LocalSocket(ch, path);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    SocketChannel channel() {
        return channel;
    }

    private int timedRead(InputStream raw, byte[] b, int off, int len) throws IOException {
        int timeout = timeoutMillis;
        if (timeout <= 0) return raw.read(b, off, len);
        ScheduledFuture<?> overdue = Timer.TIMER.schedule(
                () -> {
                    timedOut = true;
                    closeQuietly();
                },
                timeout,
                TimeUnit.MILLISECONDS);
        try {
            return raw.read(b, off, len);
        } catch (IOException e) {
            if (timedOut) throw new SocketTimeoutException("no data within " + timeout + " ms");
            throw e;
        } finally {
            overdue.cancel(false);
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() {
        return out;
    }

    @Override
    public void setSoTimeout(int timeout) {
        timeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() {
        return timeoutMillis;
    }

    /** Nothing to set: no Nagle delay and no dead peers to detect on a local socket. */
    @Override
    public void setTcpNoDelay(boolean on) {}

    @Override
    public void setKeepAlive(boolean on) {}

    @Override
    public void shutdownOutput() throws IOException {
        outputShut = true;
        channel.shutdownOutput();
    }

    @Override
    public void shutdownInput() throws IOException {
        inputShut = true;
        channel.shutdownInput();
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShut;
    }

    @Override
    public boolean isInputShutdown() {
        return inputShut;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public boolean isClosed() {
        return !channel.isOpen();
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public boolean isBound() {
        return true;
    }

    /** The socket file: what a session's label and the logs name as the other side. */
    @Override
    public SocketAddress getRemoteSocketAddress() {
        return UnixDomainSocketAddress.of(path);
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return UnixDomainSocketAddress.of(path);
    }

    /** The loopback address: the other side is on this machine (connection limits and proof throttling count it so). */
    @Override
    public InetAddress getInetAddress() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public int getPort() {
        return 0;
    }

    @Override
    public int getLocalPort() {
        return -1;
    }

    @Override
    public String toString() {
        return "LocalSocket[" + path + "]";
    }
}
