package travelwatch.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks Prometheus text exposition: line by line here, and with the real promtool when present.
 */
public final class PrometheusText {
  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:\\\\.|[^\"\\\\])*\"";
  private static final String VALUE =
      "(?:[-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)|NaN|[+-]Inf)";
  private static final Pattern SAMPLE =
      Pattern.compile(
          NAME + "(?:\\{(?:" + LABEL + "(?:," + LABEL + ")*,?)?\\})? " + VALUE + "(?: -?[0-9]+)?");
  private static final Pattern HELP = Pattern.compile("# HELP " + NAME + "(?: .*)?");
  private static final Pattern TYPE =
      Pattern.compile("# TYPE " + NAME + " (?:counter|gauge|histogram|summary|untyped)");

  private static final Pattern SAMPLE_NAME = Pattern.compile("^(" + NAME + ")(?:\\{(.*)})? ");
  private static final Pattern LABEL_NAME =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:\\\\.|[^\"\\\\])*\"");

  private PrometheusText() {}

  /**
   * Each sample name in the text (histogram series as {@code _bucket} etc.) with its label names.
   */
  public static Map<String, Set<String>> labelsByName(String text) {
    Map<String, Set<String>> names = new TreeMap<>();
    for (String line : text.split("\n")) {
      Matcher sample = SAMPLE_NAME.matcher(line);
      if (line.startsWith("#") || !sample.find()) {
        continue;
      }
      Set<String> labels = names.computeIfAbsent(sample.group(1), k -> new TreeSet<>());
      if (sample.group(2) != null) {
        Matcher label = LABEL_NAME.matcher(sample.group(2));
        while (label.find()) {
          labels.add(label.group(1));
        }
      }
    }
    return names;
  }

  /** The lines that are not valid exposition format; empty when all are. */
  public static List<String> invalidLines(String text) {
    List<String> bad = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()
          || SAMPLE.matcher(line).matches()
          || HELP.matcher(line).matches()
          || TYPE.matcher(line).matches()
          || line.equals("# EOF")) {
        continue;
      }
      bad.add(line);
    }
    return bad;
  }

  public static boolean promtoolInstalled() {
    return Files.isExecutable(Path.of("/usr/bin/promtool"));
  }

  /** Runs {@code promtool check metrics}; returns its exit code and complaints. */
  public static PromtoolResult promtool(String text) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("/usr/bin/promtool", "check", "metrics")
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return new PromtoolResult(p.exitValue(), out);
  }

  public record PromtoolResult(int exitCode, String output) {
    /**
     * Parsed and lint-clean: promtool exits 3 for lint findings (units, names, help), 1 when the
     * text did not parse; either would mislead whoever queries the metrics.
     */
    public boolean clean() {
      return exitCode == 0 && output.isBlank();
    }
  }
}
