package dev.soci.examples.cli;

import dev.soci.ztoc.ZtocInfo;
import dev.soci.ztoc.ZtocView;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code soci ztoc info}: the reference CLI's JSON summary of a zTOC, byte for byte. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = "Print a zTOC's summary and file list as JSON (the reference CLI's format).")
final class ZtocInfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ZtocOptions ztocOptions;

  @Parameters(paramLabel = "ZTOC", description = "The zTOC file.")
  Path ztoc;

  @Override
  public Integer call() throws Exception {
    ZtocView view = ztocOptions.open(spec, ztoc);
    // Streamed: a zTOC of millions of entries must not need its whole JSON in memory.
    PrintWriter out = spec.commandLine().getOut();
    ZtocInfo.writeJson(view, out);
    out.println();
    out.flush();
    return 0;
  }
}
