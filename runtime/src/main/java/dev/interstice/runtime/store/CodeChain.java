package dev.interstice.runtime.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The chain loader: asks {@link CodeSource}s in order for the module code with a SHA-256 and takes the first answer
 * whose bytes have that digest. Anything else (no answer, a failure, bytes of another digest) is noted and the next
 * place is asked, so the refusal names every place tried and what each said.
 */
public final class CodeChain {
    /** The largest module code fetched from anywhere (a publish over the network is bounded by its frame anyway). */
    public static final int MAX_CODE_BYTES = 64 << 20;

    private CodeChain() {}

    /** Code found under a hash, and where. */
    public record Found(byte[] code, String from) {}

    /** Each place asked and what it answered, in order, once nothing had the code. */
    public static final class NotFound extends Exception {
        private final List<String> tried;

        NotFound(List<String> tried) {
            super(String.join("; ", tried));
            this.tried = List.copyOf(tried);
        }

        public List<String> tried() {
            return tried;
        }
    }

    /** The first verified answer of {@code sources} for {@code hash} (64 lower-case hex digits). */
    public static Found fetch(String hash, List<CodeSource> sources) throws NotFound {
        var tried = new ArrayList<String>();
        for (CodeSource s : sources) {
            byte[] code;
            try {
                code = s.fetch(hash);
            } catch (IOException | RuntimeException e) {
                tried.add(s.describe() + " (" + e.getMessage() + ")");
                continue;
            }
            if (code == null) {
                tried.add(s.describe() + " (does not have it)");
                continue;
            }
            String got = Blobs.hash(code);
            if (!got.equals(hash)) {
                tried.add(s.describe() + " (answered " + code.length + " bytes whose SHA-256 is " + got + ": refused)");
                continue;
            }
            return new Found(code, s.describe());
        }
        throw new NotFound(tried);
    }

    /** Reads at most {@link #MAX_CODE_BYTES} from {@code in}; more is refused, never buffered. */
    static byte[] readBounded(InputStream in, String what) throws IOException {
        byte[] b = in.readNBytes(MAX_CODE_BYTES + 1);
        if (b.length > MAX_CODE_BYTES)
            throw new IOException(what + " is larger than " + (MAX_CODE_BYTES >> 20) + " MiB: refused");
        return b;
    }
}
