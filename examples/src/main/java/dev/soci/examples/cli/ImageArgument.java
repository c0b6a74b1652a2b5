package dev.soci.examples.cli;

import dev.soci.oci.registry.ImageReference;
import dev.soci.oci.registry.InvalidReferenceException;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * An image as the commands take it, in the forms {@code skopeo} users know: {@code
 * docker://HOST/REPO[:TAG][@DIGEST]} (a registry), {@code oci-archive:PATH} (a layout tar),
 * {@code oci:PATH} or a bare path (a layout directory or tar).
 *
 * @param reference the registry reference, or null for a layout
 * @param path the layout path, or null for a registry
 * @param archive whether the path was given as {@code oci-archive:}
 */
record ImageArgument(ImageReference reference, Path path, boolean archive) {
  static final String DOCKER = "docker://";
  static final String OCI_ARCHIVE = "oci-archive:";
  static final String OCI = "oci:";

  /** Whether this names a registry image. */
  boolean isRegistry() {
    return reference != null;
  }

  @Override
  public String toString() {
    return reference != null ? DOCKER + reference : (archive ? OCI_ARCHIVE : "") + path;
  }

  /** picocli converter: a bad reference is a usage error naming the argument. */
  static final class Converter implements CommandLine.ITypeConverter<ImageArgument> {
    @Override
    public ImageArgument convert(String value) {
      if (value.startsWith(DOCKER)) {
        try {
          return new ImageArgument(ImageReference.parse(value.substring(DOCKER.length())), null,
              false);
        } catch (InvalidReferenceException e) {
          throw new CommandLine.TypeConversionException(e.getMessage());
        }
      }
      if (value.startsWith(OCI_ARCHIVE)) {
        return new ImageArgument(null, path(value.substring(OCI_ARCHIVE.length())), true);
      }
      if (value.startsWith(OCI)) {
        return new ImageArgument(null, path(value.substring(OCI.length())), false);
      }
      if (value.contains("://")) {
        throw new CommandLine.TypeConversionException("unknown transport in '" + value
            + "' (expected docker://, oci-archive: or oci:, or a layout path)");
      }
      return new ImageArgument(null, path(value), false);
    }

    private static Path path(String p) {
      if (p.isEmpty()) {
        throw new CommandLine.TypeConversionException("empty layout path");
      }
      return Path.of(p);
    }
  }
}
