package dev.soci.examples.cli;

import dev.soci.oci.Descriptor;
import dev.soci.oci.build.SociOptions;
import dev.soci.oci.build.SociIndexCreator;
import dev.soci.oci.layout.OciLayout;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci create LAYOUT}: adds v1 SOCI indexes to an image layout directory, in place (see
 * {@link SociIndexCreator}). Prints {@code soci-index <digest>} per index; skipped layers and
 * reused zTOCs are reported on stderr.
 */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = "Build v1 SOCI indexes for the image(s) in an OCI layout directory and store "
        + "them in it (zTOCs already in the layout are reused unless --force).")
final class CreateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin BuildOptions build;

  @Parameters(index = "0", paramLabel = "LAYOUT", description = "OCI image layout directory.")
  Path layout;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SociOptions options = build.toOptions(spec.commandLine()); // usage errors before any I/O
    List<Descriptor> indexes;
    try (OciLayout l = OciLayout.open(layout)) {
      indexes = new SociIndexCreator(options,
          msg -> err.println("soci: " + msg)).create(l);
    }
    for (Descriptor d : indexes) {
      out.println("soci-index " + d.digest());
    }
    out.flush();
    return 0;
  }
}
