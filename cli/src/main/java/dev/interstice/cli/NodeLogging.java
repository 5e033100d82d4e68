package dev.interstice.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * A running node's log: besides the console, a size-bounded rolling file under its data directory ({@code
 * logs/node.log}, then {@code node.1.log} ... oldest last), as text or one JSON object a line. Module log lines carry
 * the module and transaction id (MDC keys {@code module} and {@code tx}, set where the guest logs).
 */
final class NodeLogging implements AutoCloseable {
    static final String FILE = "node.log";
    /**
     * The text layout; {@code [module=M tx=N]} only on module lines ({@code interstice logs --module} reads it). Line
     * breaks inside a message are written as {@code \\n}: one event is one line, and a module cannot forge lines.
     */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{20}"
            + "%replace(%replace( [module=%X{module} tx=%X{tx}]){' tx=\\]$', ']'}){' \\[module=\\]', ''}"
            + " - %replace(%msg){'\\r?\\n|\\r', '\\\\n'}%n";

    enum Format {
        TEXT,
        JSON;

        static Format parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--log-format must be text or json, not '" + s + "'");
            }
        }
    }

    /** How the log is written: its format, the size at which the file rolls over, and how many files are kept. */
    record Settings(Format format, long maxFileBytes, int maxFiles) {
        static final long DEFAULT_MAX_FILE_BYTES = 10L * 1024 * 1024;
        static final int DEFAULT_MAX_FILES = 5;

        Settings {
            if (maxFileBytes < 1024) throw CliException.usage("--log-file-size must be at least 1KB");
            if (maxFiles < 2 || maxFiles > 20) throw CliException.usage("--log-files must be between 2 and 20");
        }

        static Settings of(String format, String maxFileSize, int maxFiles) {
            long bytes;
            try {
                bytes = FileSize.valueOf(maxFileSize).getSize();
            } catch (IllegalArgumentException e) {
                throw CliException.usage(
                        "--log-file-size must be a size such as 10MB or 512KB, not '" + maxFileSize + "'");
            }
            return new Settings(Format.parse(format), bytes, maxFiles);
        }
    }

    private final Logger root;
    private final RollingFileAppender<ILoggingEvent> file;
    private final OutputStreamAppender<ILoggingEvent> console;
    private final Encoder<ILoggingEvent> consoleEncoder;

    private NodeLogging(
            Logger root,
            RollingFileAppender<ILoggingEvent> file,
            OutputStreamAppender<ILoggingEvent> console,
            Encoder<ILoggingEvent> consoleEncoder) {
        this.root = root;
        this.file = file;
        this.console = console;
        this.consoleEncoder = consoleEncoder;
    }

    static Path logFile(Path dataDir) {
        return dataDir.resolve("logs").resolve(FILE);
    }

    /** Starts writing the log file of the node at {@code dataDir} (and switches the console to JSON if asked). */
    static NodeLogging start(Path dataDir, Settings s) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx))
            return new NodeLogging(null, null, null, null); // another SLF4J binding: it logs as it is configured
        Path log = logFile(dataDir);
        try {
            dev.interstice.storage.PrivateFiles.createDirectories(log.getParent());
        } catch (java.io.IOException e) {
            throw new CliException("cannot create the log directory " + log.getParent() + ": " + e.getMessage());
        }
        var appender = new RollingFileAppender<ILoggingEvent>();
        appender.setContext(ctx);
        appender.setName("node-file-" + dataDir.getFileName());
        appender.setFile(log.toString());
        var rolling = new FixedWindowRollingPolicy();
        rolling.setContext(ctx);
        rolling.setParent(appender);
        rolling.setFileNamePattern(log.getParent().resolve("node.%i.log").toString());
        rolling.setMinIndex(1);
        rolling.setMaxIndex(s.maxFiles() - 1);
        rolling.start();
        var trigger = new SizeBasedTriggeringPolicy<ILoggingEvent>();
        trigger.setContext(ctx);
        trigger.setMaxFileSize(new FileSize(s.maxFileBytes()));
        trigger.setCheckIncrement(Duration.buildByMilliseconds(0)); // check every line: the bound is exact
        trigger.start();
        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.setEncoder(encoder(ctx, s.format()));
        appender.start();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);

        OutputStreamAppender<ILoggingEvent> console = null;
        Encoder<ILoggingEvent> previous = null;
        if (s.format() == Format.JSON && root.getAppender("STDOUT") instanceof OutputStreamAppender<ILoggingEvent> c) {
            console = c;
            previous = c.getEncoder();
            swapEncoder(c, encoder(ctx, Format.JSON));
        }
        return new NodeLogging(root, appender, console, previous);
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext ctx, Format f) {
        if (f == Format.JSON) {
            var json = new JsonEncoder();
            json.setContext(ctx);
            json.setWithSequenceNumber(false);
            json.setWithContext(false);
            json.setWithMessage(false); // the pattern with {} placeholders: formattedMessage is what was logged
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            json.start();
            return json;
        }
        var text = new PatternLayoutEncoder();
        text.setContext(ctx);
        text.setPattern(TEXT_PATTERN);
        text.start();
        return text;
    }

    private static void swapEncoder(OutputStreamAppender<ILoggingEvent> a, Encoder<ILoggingEvent> e) {
        a.stop();
        a.setEncoder(e);
        a.start();
    }

    @Override
    public void close() {
        if (root == null) return;
        root.detachAppender((Appender<ILoggingEvent>) file);
        file.stop();
        if (console != null) swapEncoder(console, consoleEncoder);
    }
}
