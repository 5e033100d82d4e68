package dev.interstice.cli.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A release as its source's {@code latest.json} describes it: {@code {"version": "0.2.0", "archive":
 * "interstice-0.2.0-linux-x64.tar.gz", "sha256": "<64 hex digits>"}}; the archive lies beside latest.json.
 */
public record Release(ReleaseVersion version, String archive, byte[] sha256) {
    /** A plain file name: latest.json may not point anywhere but beside itself. */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,200}");

    public static Release parse(byte[] json, String from) {
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UpdateException(from + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UpdateException("cannot read " + from + ": " + e.getMessage());
        }
        if (n == null || !n.isObject()) throw new UpdateException(from + " is not a JSON object");
        String archive = text(n, "archive", from);
        if (!FILE_NAME.matcher(archive).matches() || archive.contains(".."))
            throw new UpdateException(from + ": archive '" + archive + "' is not a plain file name beside it");
        String sha = text(n, "sha256", from);
        if (!sha.matches("[0-9a-fA-F]{64}"))
            throw new UpdateException(from + ": sha256 '" + sha + "' is not 64 hexadecimal digits");
        return new Release(
                ReleaseVersion.parse(text(n, "version", from)),
                archive,
                HexFormat.of().parseHex(sha));
    }

    private static String text(JsonNode n, String field, String from) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank())
            throw new UpdateException(from + " has no \"" + field + "\" (a string)");
        return v.asText();
    }
}
