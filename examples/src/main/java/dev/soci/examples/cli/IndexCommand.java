package dev.soci.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code soci index ...}: list and show the SOCI indexes of an image (its subcommands: see
 * {@link CommandTree}).
 */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description = "List and show the SOCI indexes of an image (layout or registry).")
final class IndexCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }
}
