package dev.soci.examples.cli;

import dev.soci.core.RangeSource;
import dev.soci.ztoc.LayerReader;
import dev.soci.ztoc.ZtocView;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code soci ztoc get-file}: extracts one file from a layer by random access through its zTOC,
 * reading and verifying only the spans that hold it.
 */
@Command(
    name = "get-file",
    mixinStandardHelpOptions = true,
    description = "Extract one file from a layer through its zTOC (only the spans holding it are read and verified).")
final class ZtocGetFileCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ZtocOptions ztocOptions;

  @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Write the file here (default: standard output).")
  Path output;

  @Parameters(index = "0", paramLabel = "LAYER", description = "The layer blob.")
  Path layer;

  @Parameters(index = "1", paramLabel = "ZTOC", description = "The layer's zTOC.")
  Path ztoc;

  @Parameters(index = "2", paramLabel = "PATH", description = "Path of the file inside the layer.")
  String path;

  /**
   * Where binary output goes when no file is named; replaceable by tests. Not {@code System.out}:
   * a PrintStream swallows write errors, and a failed write must fail the command.
   */
  static OutputStream stdout = new java.io.FileOutputStream(java.io.FileDescriptor.out);

  @Override
  public Integer call() throws Exception {
    ZtocView view = ztocOptions.open(spec, ztoc);
    try (LayerReader reader = LayerReader.open(view, RangeSource.of(InputFiles.require(layer, "layer")))) {
      reader.regularFile(path); // fail before creating any output
      if (output != null) {
        AtomicOutput.write(output, out -> copy(reader, out));
      } else {
        java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(stdout, 1 << 16);
        copy(reader, buffered);
        buffered.flush();
      }
    }
    return 0;
  }

  private void copy(LayerReader reader, OutputStream out) throws java.io.IOException {
    try (InputStream in = reader.openFile(path)) {
      in.transferTo(out);
    }
  }
}
