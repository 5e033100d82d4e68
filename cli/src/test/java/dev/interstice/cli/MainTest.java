package dev.interstice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class MainTest {
    static String captureOut(Runnable r) {
        var buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString();
    }

    @Test
    void versionAndHelp() {
        assertThat(captureOut(() -> assertThat(Main.run("--version")).isZero())).contains("module ABI 6");
        assertThat(captureOut(() -> assertThat(Main.run("--help")).isZero())).contains("example", "init");
    }

    @Test
    void unknownExampleIsAClearError() {
        assertThat(Main.run("example", "nope")).isEqualTo(2);
    }
}
