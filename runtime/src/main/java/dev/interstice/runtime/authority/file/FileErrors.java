package dev.interstice.runtime.authority.file;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/** File system failures in plain words, never naming a host path or a Java type. */
final class FileErrors {
    private FileErrors() {}

    /** "cannot read 'x': it does not exist". */
    static String of(String op, FileRoot.Resolved r, IOException e) {
        return "cannot " + op + " " + r.quoted() + ": " + reason(e);
    }

    static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException _ -> "it (or a directory on its way) does not exist";
            case FileAlreadyExistsException _ -> "it already exists";
            case DirectoryNotEmptyException _ -> "the directory is not empty";
            case NotDirectoryException _ -> "a part of the path is not a directory";
            case AccessDeniedException _ -> "permission denied";
            case FileSystemException f
            when f.getReason() != null -> f.getReason().toLowerCase(Locale.ROOT);
            default -> "an input/output error";
        };
    }
}
