package dev.soci.examples.cli;

import dev.soci.core.Compression;
import dev.soci.ztoc.BuiltZtoc;
import dev.soci.ztoc.ZtocBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code soci ztoc create}: builds the zTOC of one layer file. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = "Build the zTOC of a layer (gzip or uncompressed tar) in one pass; prints <digest> <size>.")
final class ZtocCreateCommand implements Callable<Integer> {
  /** The values of --compression. */
  enum CompressionOption { auto, gzip, uncompressed }

  @Spec CommandSpec spec;

  @Option(names = "--span-size", paramLabel = "N", description = "Uncompressed bytes between checkpoints (default: ${DEFAULT-VALUE}).")
  long spanSize = ZtocBuilder.DEFAULT_SPAN_SIZE;

  @Option(names = "--compression", paramLabel = "C", description = "auto, gzip or uncompressed (default: ${DEFAULT-VALUE}).")
  CompressionOption compression = CompressionOption.auto;

  @Option(names = "--build-tool-identifier", paramLabel = "S", description = "Recorded in the zTOC (default: ${DEFAULT-VALUE}).")
  String buildToolIdentifier = ZtocBuilder.DEFAULT_BUILD_TOOL_IDENTIFIER;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the zTOC (default: LAYER.ztoc).")
  Path output;

  @Parameters(paramLabel = "LAYER", description = "The layer blob.")
  Path layer;

  @Override
  public Integer call() throws Exception {
    if (spanSize <= 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--span-size must be positive, got " + spanSize);
    }
    return create(spec.commandLine().getOut());
  }

  /**
   * Builds and writes the zTOC with the options as set, printing {@code <digest> <size>} to
   * {@code out}; the span size must already be checked. Also the entry of {@link
   * ZtocCreateFastPath}, which sets the fields without picocli.
   */
  int create(PrintWriter out) throws java.io.IOException {
    ZtocBuilder builder = ZtocBuilder.create()
        .spanSize(spanSize)
        .buildToolIdentifier(buildToolIdentifier)
        .compression(switch (compression) {
          case auto -> null;
          case gzip -> Compression.GZIP;
          case uncompressed -> Compression.UNCOMPRESSED;
        });
    BuiltZtoc z = builder.build(InputFiles.require(layer, "layer"));
    Path target = output != null ? output : layer.resolveSibling(layer.getFileName() + ".ztoc");
    AtomicOutput.write(target, z::writeTo);
    out.println(z.digest() + " " + z.size());
    return 0;
  }
}
