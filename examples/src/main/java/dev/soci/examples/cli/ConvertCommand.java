package dev.soci.examples.cli;

import dev.soci.oci.Descriptor;
import dev.soci.oci.build.SociOptions;
import dev.soci.oci.build.ConvertResult;
import dev.soci.oci.build.SociConverter;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.layout.OciLayoutWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci convert IN OUT}: writes a SOCI-enabled copy (SOCI index v2) of the image in a
 * layout directory or archive as a new layout (see {@link SociConverter}). Prints {@code
 * soci-index <digest> <platform>} per index and {@code image-index <digest>}; nothing is left
 * at OUT on failure.
 */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = "Convert the image in an OCI layout (directory or tar) into a SOCI-enabled "
        + "image (SOCI index v2), written as a new layout.")
final class ConvertCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin BuildOptions build;

  @Option(names = "--format", paramLabel = "FORMAT", converter = FormatConverter.class,
      description = "Output form: oci-dir (default) or oci-archive (a tar).")
  OciLayoutWriter.Format format = OciLayoutWriter.Format.DIRECTORY;

  @Parameters(index = "0", paramLabel = "IN", description = "Input layout directory or tar.")
  Path input;

  @Parameters(index = "1", paramLabel = "OUT", description = "Output path; must not exist "
      + "(an empty directory is accepted for oci-dir).")
  Path output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SociOptions options = build.toOptions(spec.commandLine()); // usage errors before any I/O
    ConvertResult r;
    try (OciLayout in = OciLayout.open(input)) {
      r = new SociConverter(options,
          msg -> err.println("soci: " + msg)).convert(in, output, format);
    }
    for (Descriptor d : r.sociIndexes()) {
      out.println("soci-index " + d.digest() + " " + (d.platform() == null ? "-" : d.platform()));
    }
    out.println("image-index " + r.imageIndex().digest());
    out.flush();
    return 0;
  }

  /** {@code oci-dir} or {@code oci-archive}. */
  static final class FormatConverter implements CommandLine.ITypeConverter<OciLayoutWriter.Format> {
    @Override
    public OciLayoutWriter.Format convert(String value) {
      switch (value) {
        case "oci-dir":
          return OciLayoutWriter.Format.DIRECTORY;
        case "oci-archive":
          return OciLayoutWriter.Format.TAR;
        default:
          throw new CommandLine.TypeConversionException(
              "unknown format '" + value + "' (expected oci-dir or oci-archive)");
      }
    }
  }
}
