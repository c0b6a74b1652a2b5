package dev.soci.examples.cli;

import dev.soci.oci.GoJson;
import dev.soci.ztoc.ZtocInfo;
import dev.soci.ztoc.ZtocView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

  @Parameters(paramLabel = "ZTOC", description = "The zTOC file.")
  Path ztoc;

  @Override
  public Integer call() throws Exception {
    ZtocView view = ZtocView.open(InputFiles.require(ztoc, "zTOC"));
    byte[] json = GoJson.indent(GoJson.writeValue(toJsonValue(ZtocInfo.of(view))), "  ");
    spec.commandLine().getOut().println(new String(json, StandardCharsets.UTF_8));
    return 0;
  }

  /** Field order and names of the reference's output struct. */
  static Map<String, Object> toJsonValue(ZtocInfo info) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", info.version());
    m.put("build_tool", info.buildTool());
    m.put("size", info.size());
    m.put("span_size", info.spanSize());
    m.put("num_spans", info.numSpans());
    m.put("num_files", info.numFiles());
    m.put("num_multi_span_files", info.numMultiSpanFiles());
    List<Object> files = new ArrayList<>(info.files().size());
    for (ZtocInfo.FileInfo f : info.files()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("filename", f.filename());
      e.put("offset", f.offset());
      e.put("size", f.size());
      e.put("type", f.type());
      e.put("start_span", f.startSpan());
      e.put("end_span", f.endSpan());
      files.add(e);
    }
    m.put("files", files);
    return m;
  }
}
