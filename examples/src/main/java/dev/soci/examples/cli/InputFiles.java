package dev.soci.examples.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on the files a command reads, so that a bad path fails in one line that names it. */
final class InputFiles {
  private InputFiles() {}

  /**
   * Checks that {@code file} is an existing regular file (following links), so that a missing
   * file or a directory given as input fails with a message naming it and its role.
   */
  static Path require(Path file, String role) throws IOException {
    if (!Files.exists(file)) {
      throw new IOException("no such " + role + ": " + file);
    }
    if (!Files.isRegularFile(file)) {
      throw new IOException(role + " " + file + " is not a regular file");
    }
    return file;
  }
}
