package dev.interstice.cli.bench.agar;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What an agar run measured, in its measured window; durations in ms, CPU in cores (CPU seconds per second). */
public record AgarReport(
        Setup setup,
        Server server,
        Replication replication,
        Bots bots,
        Frames clientFrames,
        Map<String, Object> environment) {

    public record Setup(String command, int bots, int clients, long warmupMs, double measuredMs, long reactionMs) {}

    /**
     * {@code tick}: the tick reducer's run plus commit; {@code tickInterval}: between consecutive ticks' starts;
     * {@code tickGap}: from a tick's end to the next one's start.
     */
    public record Server(
            double ticksPerSecond,
            double targetTicksPerSecond,
            long ticks,
            Measure tick,
            Measure tickRun,
            Measure tickInterval,
            Measure tickGap,
            int playersAtEnd,
            double processCpuCores) {}

    /** Lag from the tick's commit on the server to the replica's commit of that change on each client. */
    public record Replication(long probes, Measure lag, List<Measure> lagPerClient) {}

    /**
     * {@code skipped}: turns a bot let pass because its previous call was unanswered; {@code worldRead}: reading and
     * decoding the replica's players and food once (shared by all bots); {@code steeringCpuCores}: the thread that reads
     * the world and steers every bot; {@code deadlineSweepCpuCores}: NodeClient's thread checking every connection's
     * request deadlines (the bots' connections and the few of the client nodes).
     */
    public record Bots(
            double callsPerSecond,
            double targetCallsPerSecond,
            long calls,
            long errors,
            long skipped,
            long joins,
            Measure latency,
            Measure worldRead,
            double steeringCpuCores,
            double deadlineSweepCpuCores,
            Map<String, Long> errorSamples) {}

    /** The windowed agar-client's frames (null without --window): render to render, and its render transaction. */
    public record Frames(Measure period, Measure render, String renderer) {}

    public String summary() {
        var sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "== agar: %d bots, %d client node%s, measured %.1f s after %.1f s warm-up ==%n",
                setup.bots(),
                setup.clients(),
                setup.clients() == 1 ? "" : "s",
                setup.measuredMs() / 1000,
                setup.warmupMs() / 1000.0));
        sb.append(String.format(
                Locale.ROOT,
                "server ticks  %.1f ticks/s (target %.0f), %d ticks; %d players at the end; process CPU %.2f cores%n",
                server.ticksPerSecond(),
                server.targetTicksPerSecond(),
                server.ticks(),
                server.playersAtEnd(),
                server.processCpuCores()));
        sb.append("tick          ").append(line(server.tick())).append(" (run + commit)\n");
        sb.append("tick run      ").append(line(server.tickRun())).append(" (the reducer alone)\n");
        sb.append("tick interval ").append(line(server.tickInterval())).append(" (start to start)\n");
        sb.append("tick gap      ").append(line(server.tickGap())).append(" (end to the next start)\n");
        sb.append("replica lag   ")
                .append(line(replication.lag()))
                .append(String.format(Locale.ROOT, " (%d ticks probed)%n", replication.probes()));
        for (int i = 0;
                replication.lagPerClient().size() > 1
                        && i < replication.lagPerClient().size();
                i++)
            sb.append(String.format(
                    Locale.ROOT,
                    "  client %d    %s%n",
                    i,
                    line(replication.lagPerClient().get(i))));
        sb.append(String.format(
                Locale.ROOT,
                "bot calls     %,.0f calls/s (target %,.0f), %d errors, %d turns skipped (call unanswered), %d joins%n",
                bots.callsPerSecond(),
                bots.targetCallsPerSecond(),
                bots.errors(),
                bots.skipped(),
                bots.joins()));
        sb.append("bot latency   ").append(line(bots.latency())).append('\n');
        sb.append("world read    ")
                .append(line(bots.worldRead()))
                .append(String.format(
                        Locale.ROOT,
                        "; bots' steering thread %.3f cores, connections' deadline sweep %.3f cores%n",
                        bots.steeringCpuCores(),
                        bots.deadlineSweepCpuCores()));
        bots.errorSamples()
                .forEach((m, n) ->
                        sb.append("  error x").append(n).append(": ").append(m).append('\n'));
        if (clientFrames != null) {
            sb.append("client frame  ").append(line(clientFrames.period())).append(" (render to render)\n");
            sb.append("client render ").append(line(clientFrames.render())).append(" (its drawing transaction)\n");
        }
        return sb.toString();
    }

    private static String line(Measure m) {
        return String.format(
                Locale.ROOT, "p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%,d)", m.p50(), m.p99(), m.max(), m.count());
    }

    public String json() {
        try {
            return mapper().writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void write(Path file) throws IOException {
        mapper().writeValue(file.toFile(), this);
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
}
