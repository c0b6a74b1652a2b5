package dev.soci.examples.cli;

import dev.soci.oci.build.FoundSociIndex;
import dev.soci.oci.layout.OciLayout;
import dev.soci.oci.soci.SociIndexVersion;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci index list LAYOUT}: one tab-separated line per SOCI index: digest, size,
 * version ({@code v1}/{@code v2}), the image manifest it serves ({@code -} if unknown) and
 * its platform ({@code -} if unknown).
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "One line per SOCI index: DIGEST SIZE VERSION IMAGE-MANIFEST PLATFORM "
        + "(tab-separated).")
final class IndexListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "LAYOUT", description = "Layout directory or tar.")
  Path layout;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (OciLayout l = OciLayout.open(layout)) {
      for (FoundSociIndex i : FoundSociIndex.findAll(l)) {
        out.println(String.join("\t",
            i.descriptor().digest().toString(),
            Long.toString(i.descriptor().size()),
            i.index().version() == SociIndexVersion.V1 ? "v1" : "v2",
            i.imageManifest() == null ? "-" : i.imageManifest().toString(),
            i.platform() == null ? "-" : i.platform().toString()));
      }
    }
    out.flush();
    return 0;
  }
}

