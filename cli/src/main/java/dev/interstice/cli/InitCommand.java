package dev.interstice.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code interstice init [path]}: scaffolds an AssemblyScript module project from the SDK's template. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = "Create a new module project (AssemblyScript) in <path> (default: the current directory). "
                + "Build it with: npm install && npm run build")
final class InitCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "<path>", description = "Directory to create the project in")
    Path path = Path.of(".");

    @Override
    public Integer call() throws IOException {
        Path target = path.toAbsolutePath().normalize();
        if (Files.exists(target) && Files.isDirectory(target)) {
            try (var s = Files.list(target)) {
                if (s.findAny().isPresent()) {
                    System.err.println("error: " + target + " is not empty; choose a new or empty directory");
                    return 2;
                }
            }
        }
        Path sdk = Paths.repo().resolve("sdk/assemblyscript");
        Path template = sdk.resolve("template");
        if (!Files.isDirectory(template)) {
            System.err.println("error: the SDK template is missing at " + template);
            return 1;
        }
        String moduleName = target.getFileName() == null
                ? "my-module"
                : target.getFileName().toString().toLowerCase().replaceAll("[^a-z0-9_-]", "-");
        copy(template, target, sdk.toAbsolutePath().toString(), moduleName);
        if (!Files.isDirectory(sdk.resolve("node_modules/assemblyscript"))) {
            // An installed SDK (the install archive) carries no compiler: npm installs a copy of the SDK into the
            // project instead of a link, so that what the SDK's transform imports resolves from the project.
            Files.writeString(target.resolve(".npmrc"), "install-links=true\n", StandardCharsets.UTF_8);
        }
        System.out.println("Created module project '" + moduleName + "' in " + target);
        System.out.println("Next: cd " + target + " && npm install && npm run build");
        return 0;
    }

    static void copy(Path from, Path to, String sdkPath, String moduleName) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String n = dir.getFileName().toString();
                if (n.equals("node_modules") || n.equals("build")) return FileVisitResult.SKIP_SUBTREE;
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path dst = to.resolve(from.relativize(file).toString());
                if (file.getFileName().toString().equals("package-lock.json")) return FileVisitResult.CONTINUE;
                String text = Files.readString(file, StandardCharsets.UTF_8)
                        .replace("__SDK_PATH__", sdkPath)
                        .replace("__MODULE_NAME__", moduleName);
                Files.writeString(dst, text, StandardCharsets.UTF_8);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
