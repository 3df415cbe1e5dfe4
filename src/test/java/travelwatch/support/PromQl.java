package travelwatch.support;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a PromQL expression reads: the metric names it selects and the label names it matches on
 * each, so a dashboard can be checked against what a server exposes (a typo in a name returns no
 * data in Prometheus, not an error).
 */
public final class PromQl {
  private static final Pattern STRING =
      Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`");
  private static final Pattern SELECTOR =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*\\{([^}]*)}");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern TOKEN =
      Pattern.compile(
          "(?<number>[0-9][0-9a-zA-Z_.]*)|(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\\s*\\()?");
  private static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "atan2",
          "inf",
          "nan",
          "start",
          "end");

  private PromQl() {}

  /** The metric names the expression selects (not functions, keywords or label names). */
  public static Set<String> metricNames(String expr) {
    String rest = STRING.matcher(expr).replaceAll("\"\"");
    rest = SELECTOR.matcher(rest).replaceAll("$1 ");
    rest = RANGE.matcher(rest).replaceAll(" ");
    rest = GROUPING.matcher(rest).replaceAll(" ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = TOKEN.matcher(rest);
    while (m.find()) {
      String name = m.group("name");
      if (name != null && m.group("call") == null && !KEYWORDS.contains(name.toLowerCase())) {
        names.add(name);
      }
    }
    return names;
  }

  /** For each metric selected with label matchers, the label names it matches on. */
  public static Map<String, Set<String>> matchedLabels(String expr) {
    String rest = STRING.matcher(expr).replaceAll("\"\"");
    Map<String, Set<String>> labels = new LinkedHashMap<>();
    Matcher selector = SELECTOR.matcher(rest);
    while (selector.find()) {
      if (selector.group(1) == null) {
        continue;
      }
      Set<String> names = labels.computeIfAbsent(selector.group(1), k -> new LinkedHashSet<>());
      Matcher matcher = MATCHER.matcher(selector.group(2));
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
    }
    return labels;
  }
}
