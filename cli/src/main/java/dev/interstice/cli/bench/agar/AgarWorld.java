package dev.interstice.cli.bench.agar;

import dev.interstice.abi.value.IntersticeValue;
import dev.interstice.abi.value.Row;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a bot sees: the players and food of one client node's replica, read once and shared by every bot until the
 * next read. Steering is the agar-bot module's rule: away from the closest bigger cell within {@link #DANGER}, else
 * towards the nearest food.
 */
record AgarWorld(Map<String, Cell> players, float[] foodX, float[] foodY) {
    /** A bigger cell closer than this (beyond both radii) is a danger. */
    static final float DANGER = 250;

    static final AgarWorld EMPTY = new AgarWorld(Map.of(), new float[0], new float[0]);

    record Cell(String id, float x, float y, float radius) {}

    record Direction(float dx, float dy) {}

    /** From the replica's rows: player (pk id; name, pos, dir, radius, color) and food (pk id; pos, radius, color). */
    static AgarWorld of(List<Row> playerRows, List<Row> foodRows) {
        var players = new HashMap<String, Cell>(playerRows.size() * 2);
        for (Row r : playerRows) {
            String id = ((IntersticeValue.Str) r.primaryKey()).value();
            var pos = (IntersticeValue.Struct) r.entries().get(1);
            float radius = ((IntersticeValue.F32) r.entries().get(3)).value();
            players.put(id, new Cell(id, component(pos, 0), component(pos, 1), radius));
        }
        float[] fx = new float[foodRows.size()];
        float[] fy = new float[foodRows.size()];
        for (int i = 0; i < fx.length; i++) {
            var pos = (IntersticeValue.Struct) foodRows.get(i).entries().getFirst();
            fx[i] = component(pos, 0);
            fy[i] = component(pos, 1);
        }
        return new AgarWorld(players, fx, fy);
    }

    /** Field {@code i} of a Vec2, checked by name: a schema change must fail loudly, not steer to nonsense. */
    private static float component(IntersticeValue.Struct v, int i) {
        var f = v.fields().get(i);
        if (!f.name().equals(i == 0 ? "x" : "y")) throw new IllegalStateException("unexpected Vec2 field " + f.name());
        return ((IntersticeValue.F32) f.value()).value();
    }

    /** Where {@code me} should go: away from the closest threat, else to the nearest food; (0, 0) when neither. */
    Direction steer(Cell me) {
        float dx = 0;
        float dy = 0;
        float nearest = Float.MAX_VALUE;
        for (Cell p : players.values()) {
            if (p.radius() <= me.radius() * 1.1f || p.id().equals(me.id())) continue;
            float ox = me.x() - p.x();
            float oy = me.y() - p.y();
            float gap = (float) Math.sqrt(ox * ox + oy * oy) - p.radius() - me.radius();
            if (gap < DANGER && gap < nearest) {
                nearest = gap;
                dx = ox;
                dy = oy;
            }
        }
        if (nearest != Float.MAX_VALUE) return new Direction(dx, dy);
        for (int i = 0; i < foodX.length; i++) {
            float fx = foodX[i] - me.x();
            float fy = foodY[i] - me.y();
            float d = fx * fx + fy * fy;
            if (d < nearest) {
                nearest = d;
                dx = fx;
                dy = fy;
            }
        }
        return new Direction(dx, dy);
    }
}
