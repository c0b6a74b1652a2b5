package dev.soci.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The project version, filtered into a resource at build time. */
final class Version {
  private static final String VERSION = load();

  private Version() {}

  static String get() {
    return VERSION;
  }

  /** The build tool identifier written into zTOCs and SOCI indexes unless the user sets one. */
  static String defaultBuildToolIdentifier() {
    return "soci-java v" + VERSION;
  }

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("/soci-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
