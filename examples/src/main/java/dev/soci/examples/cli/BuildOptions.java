package dev.soci.examples.cli;

import dev.soci.oci.Platform;
import dev.soci.oci.build.SociOptions;
import dev.soci.oci.index.SociIndex;
import dev.soci.ztoc.ZtocBuilder;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The index-building options shared by {@code create} and {@code convert}. */
final class BuildOptions {
  @Option(names = "--span-size", paramLabel = "N",
      description = "Uncompressed bytes per span (default: ${DEFAULT-VALUE}).")
  long spanSize = ZtocBuilder.DEFAULT_SPAN_SIZE;

  @Option(names = "--min-layer-size", paramLabel = "N",
      description = "Layers smaller than this many bytes get no zTOC (default: ${DEFAULT-VALUE}).")
  long minLayerSize = SociIndex.DEFAULT_MIN_LAYER_SIZE;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
      converter = PlatformConverter.class,
      description = "Platform to index; repeatable (default: this machine's, linux/<arch>).")
  List<Platform> platforms = new ArrayList<>();

  @Option(names = "--all-platforms", description = "Index every platform of the image.")
  boolean allPlatforms;

  @Option(names = "--build-tool-identifier", paramLabel = "S",
      description = "Recorded in zTOCs and indexes (default: ${DEFAULT-VALUE}).")
  String buildToolIdentifier = ZtocBuilder.DEFAULT_BUILD_TOOL_IDENTIFIER;

  @Option(names = "--prefetch-file", paramLabel = "PATH",
      description = "A file inside the image whose spans each layer holding it lists in a "
          + "prefetch artifact; repeatable.")
  List<String> prefetchPaths = new ArrayList<>();

  @Option(names = "--optimizations", paramLabel = "NAME", split = ",",
      description = "Experimental optimisations; only 'xattr' (mark xattr-free layers).")
  List<String> optimizations = new ArrayList<>();

  @Option(names = "--force",
      description = "Rebuild zTOCs even when the layout already holds them for the layer and "
          + "span size.")
  boolean force;

  @Option(names = "--threads", paramLabel = "N",
      description = "Layers indexed at once (default: the cores, at most 4).")
  Integer threads;

  /** The library options these flags describe. */
  SociOptions toOptions(CommandLine cl) {
    boolean xattr = false;
    for (String o : optimizations) {
      if (!o.equals("xattr")) {
        throw new CommandLine.ParameterException(cl,
            "unknown optimization '" + o + "' (supported: xattr)");
      }
      xattr = true;
    }
    if (spanSize <= 0) {
      throw new CommandLine.ParameterException(cl, "--span-size must be positive");
    }
    if (minLayerSize < 0) {
      throw new CommandLine.ParameterException(cl, "--min-layer-size must not be negative");
    }
    if (threads != null && threads <= 0) {
      throw new CommandLine.ParameterException(cl, "--threads must be positive");
    }
    SociOptions.Builder b = SociOptions.builder()
        .spanSize(spanSize)
        .minLayerSize(minLayerSize)
        .buildToolIdentifier(buildToolIdentifier)
        .optimizeXattrs(xattr)
        .allPlatforms(allPlatforms)
        .force(force)
        .prefetchPaths(prefetchPaths);
    if (!platforms.isEmpty()) {
      b.platforms(platforms);
    }
    if (threads != null) {
      b.threads(threads);
    }
    return b.build();
  }

  /** Parses {@code os/arch[/variant]}; a malformed one is a usage error. */
  static final class PlatformConverter implements CommandLine.ITypeConverter<Platform> {
    @Override
    public Platform convert(String value) {
      try {
        return Platform.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
