import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Run by the dist build on the archive's lib/ directory (java ModernizeClassFiles.java LIB, with ASM on the class
 * path): every jar holding class files older than Java 6 (major version below 50) gets them re-emitted at Java 8 with
 * stack map frames computed by ASM, the bytecode itself unchanged. The JDK's ahead-of-time class cache (JEP 483) skips
 * such old classes, so each command loaded, parsed and verified them again: picocli 4.7, built for Java 5, cost a
 * client command about 0.15 s of CPU (docs/benchmarks.md). Prints what it rewrote.
 */
public final class ModernizeClassFiles {
    private static final int JAVA_6 = 50;

    public static void main(String[] args) throws IOException {
        Path lib = Path.of(args[0]);
        List<Path> jars;
        try (Stream<Path> s = Files.list(lib)) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        for (Path jar : jars) {
            if (!hasOldClasses(jar)) continue;
            int n = rewrite(jar);
            System.out.println("ModernizeClassFiles: " + jar.getFileName() + ": " + n + " class files re-emitted at Java 8");
        }
    }

    /** A signed jar is left alone: rewriting it would break its signature. */
    private static boolean hasOldClasses(Path jar) throws IOException {
        boolean old = false;
        try (var in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().startsWith("META-INF/") && e.getName().endsWith(".SF")) return false;
                if (isClass(e) && major(in.readNBytes(8)) < JAVA_6) old = true;
            }
        }
        return old;
    }

    private static int rewrite(Path jar) throws IOException {
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        int rewritten = 0;
        // The jar itself resolves the common super classes of its own types when frames are computed.
        try (var loader = new URLClassLoader(new URL[] {jar.toUri().toURL()});
                var in = new ZipInputStream(Files.newInputStream(jar));
                OutputStream file = Files.newOutputStream(tmp);
                var out = new ZipOutputStream(file)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] bytes = in.readAllBytes();
                if (isClass(e) && major(bytes) < JAVA_6) {
                    bytes = atJava8(bytes, loader);
                    rewritten++;
                }
                var copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
        return rewritten;
    }

    private static byte[] atJava8(byte[] classFile, ClassLoader loader) {
        var writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return loader;
            }
        };
        var version = new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int v, int access, String name, String signature, String superName, String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        };
        new ClassReader(classFile).accept(version, 0);
        return writer.toByteArray();
    }

    private static boolean isClass(ZipEntry e) {
        return e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class");
    }

    /** The class file's major version (bytes 6-7 of its header). */
    private static int major(byte[] header) {
        return header.length < 8 ? Integer.MAX_VALUE : ((header[6] & 0xff) << 8) | (header[7] & 0xff);
    }

    private ModernizeClassFiles() {}
}
