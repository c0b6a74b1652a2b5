package dev.soci.examples.cli;

import dev.soci.oci.Descriptor;
import dev.soci.oci.build.SociOptions;
import dev.soci.oci.build.ConvertResult;
import dev.soci.oci.build.SociConverter;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.ImageIndex;
import dev.soci.oci.store.ContentStore;
import dev.soci.oci.store.TransferProgress;
import java.util.List;
import dev.soci.oci.layout.OciLayoutWriter;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci convert SRC DST}: writes a SOCI-enabled copy (SOCI index v2) of an image (see
 * {@link SociConverter}), between any two stores: a layout (directory or archive) or a registry
 * ({@code docker://}) on either side. A layout destination is a new layout (nothing is left
 * there on failure); a registry destination gets the blobs it lacks (mounted from the source
 * repository when on the same registry), then the manifests, and the tag last. Prints {@code
 * soci-index <digest> <platform>} per index and {@code image-index <digest>}.
 */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = "Convert an image into a SOCI-enabled image (SOCI index v2): from an OCI "
        + "layout (directory or tar) or a registry, to a new layout or a registry.")
final class ConvertCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin BuildOptions build;

  @Mixin RegistryOptions registries;

  @Option(names = {"-q", "--quiet"}, description = "No progress on standard error.")
  boolean quiet;

  @Option(names = "--format", paramLabel = "FORMAT", converter = FormatConverter.class,
      description = "Layout output form: oci-dir (default) or oci-archive (a tar; also "
          + "chosen by an oci-archive: destination).")
  OciLayoutWriter.Format format;

  @Parameters(index = "0", paramLabel = "SRC", converter = ImageArgument.Converter.class,
      description = "Layout directory or tar, oci-archive:PATH, or docker://HOST/REPO[:TAG].")
  ImageArgument input;

  @Parameters(index = "1", paramLabel = "DST", converter = ImageArgument.Converter.class,
      description = "New layout path (must not exist; an empty directory is accepted for "
          + "oci-dir), oci-archive:PATH, or docker://HOST/REPO:TAG.")
  ImageArgument output;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SociOptions options = build.toOptions(spec.commandLine()); // usage errors before any I/O
    registries.validate(spec.commandLine());
    OciLayoutWriter.Format layoutFormat = layoutFormat();
    if (output.isRegistry() && output.reference().tag() == null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "DST " + output + " needs a tag: the converted image index gets a new digest");
    }
    TransferProgress progress = ProgressReporter.forTerminal(err, quiet);
    SociConverter converter = new SociConverter(options, ProgressReporter.log(err, progress))
        .withProgress(progress);
    ConvertResult r;
    try (ContentStore in = ImageStores.open(input, registries)) {
      Descriptor image = in.resolve(null);
      if (output.isRegistry()) {
        try (ContentStore target = ImageStores.open(output, registries)) {
          r = converter.convert(in, image, target, output.reference().tag());
        }
      } else if (in instanceof OciLayout layout) {
        r = converter.convert(layout, output.path(), layoutFormat);
      } else {
        try (OciLayoutWriter w = OciLayoutWriter.create(output.path(), layoutFormat)) {
          r = converter.convert(in, image, w, null);
          w.commit(ImageIndex.of(List.of(r.imageIndex().withoutExtras())));
        }
      }
    }
    for (Descriptor d : r.sociIndexes()) {
      out.println("soci-index " + d.digest() + " " + (d.platform() == null ? "-" : d.platform()));
    }
    out.println("image-index " + r.imageIndex().digest());
    out.flush();
    return 0;
  }

  private OciLayoutWriter.Format layoutFormat() {
    if (output.isRegistry()) {
      if (format != null) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--format is for layout destinations, not " + output);
      }
      return null;
    }
    if (output.archive()) {
      if (format == OciLayoutWriter.Format.DIRECTORY) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--format oci-dir contradicts the destination " + output);
      }
      return OciLayoutWriter.Format.TAR;
    }
    return format != null ? format : OciLayoutWriter.Format.DIRECTORY;
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
