package travelwatch.platform.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one rule for text that comes from outside (request bodies, paths and query strings, plan and
 * rules files, command-line values): text that is stored must be text that reads back, so no
 * control characters (C0 and C1; tab and newline only in prose) and no broken Unicode. Identifiers
 * follow one pattern, the {@code Id} schema of {@code openapi.yaml}.
 */
public final class InboundText {
  /** What an identifier may be: letters, digits and {@code - _ . : /}, 1 to 100 of them. */
  public static final Pattern ID = Pattern.compile("^[A-Za-z0-9_.:/-]{1,100}$");

  public static final String ID_RULE = "must be 1 to 100 letters, digits or - _ . : /";

  /**
   * The fields that hold prose, where tab and newline are allowed: a reason, a summary, a note, a
   * message. Every other string (ids, names, codes, times) holds none.
   */
  static final java.util.Set<String> PROSE = java.util.Set.of("reason", "summary", "note", "text");

  private InboundText() {}

  /** Why {@code s} is not an identifier, or null if it is one. */
  public static String idProblem(String s) {
    return ID.matcher(s).matches() ? null : ID_RULE;
  }

  /**
   * Why {@code s} cannot be taken as text, or null if it can. {@code prose} allows tab and newline,
   * which a note or a reason may hold; nothing else below U+0020 or in U+007F–U+009F is allowed.
   */
  public static String textProblem(String s, boolean prose) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return "is not valid Unicode text (a broken surrogate pair)";
      }
      if (Character.isLowSurrogate(c)) {
        return "is not valid Unicode text (a broken surrogate pair)";
      }
      // The line and paragraph separators break lines as a newline does (and end a pattern's $).
      if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029') {
        if (prose && (c == '\t' || c == '\n')) {
          continue;
        }
        return String.format(
            "contains the control character U+%04X; %s",
            (int) c, prose ? "only tab and newline are allowed in text" : "none is allowed here");
      }
    }
    return null;
  }

  /**
   * Every problem with the strings of a JSON value: each object key as a name, each value as prose
   * under a prose field's name ({@link #PROSE}) and as a name everywhere else. {@code path} names
   * the value ({@code ""} for a whole body), {@code index} its place in a batch.
   */
  public static List<FieldProblem> problems(Object json, String path, Integer index) {
    List<FieldProblem> found = new ArrayList<>();
    walk(json, path, index, found);
    return found;
  }

  /** Refuses a JSON body with any string that cannot be taken, naming each field. */
  public static void require(Object json) {
    List<FieldProblem> found = problems(json, "", null);
    if (!found.isEmpty()) {
      throw ApiException.badRequest(
          "The body holds text that cannot be accepted; nothing was changed.", found);
    }
  }

  private static void walk(Object value, String path, Integer index, List<FieldProblem> found) {
    if (found.size() >= 100) {
      return; // enough to fix a request in one round
    }
    if (value instanceof String s) {
      String problem = textProblem(s, PROSE.contains(lastName(path)));
      if (problem != null) {
        found.add(new FieldProblem(index, path, problem));
      }
    } else if (value instanceof JsonObject o) {
      walkObject(o.getMap(), path, index, found);
    } else if (value instanceof Map<?, ?> m) {
      walkObject(m, path, index, found);
    } else if (value instanceof JsonArray a) {
      walkArray(a.getList(), path, index, found);
    } else if (value instanceof List<?> l) {
      walkArray(l, path, index, found);
    }
  }

  private static void walkObject(
      Map<?, ?> map, String path, Integer index, List<FieldProblem> found) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      String keyProblem = textProblem(key, false);
      if (keyProblem != null) {
        found.add(new FieldProblem(index, path, "has a field name that " + keyProblem));
        continue;
      }
      walk(e.getValue(), path.isEmpty() ? key : path + "." + key, index, found);
    }
  }

  /** The field name a path ends with ({@code stops[2].id} → {@code id}). */
  private static String lastName(String path) {
    String last = path.substring(path.lastIndexOf('.') + 1);
    int bracket = last.indexOf('[');
    return bracket < 0 ? last : last.substring(0, bracket);
  }

  private static void walkArray(
      List<?> list, String path, Integer index, List<FieldProblem> found) {
    for (int i = 0; i < list.size(); i++) {
      walk(list.get(i), path + "[" + i + "]", index, found);
    }
  }

  /**
   * The first handler of every request: a path or query parameter with a control character (after
   * percent-decoding) is refused before any route or database sees it.
   */
  public static void guardRequest(RoutingContext ctx) {
    String rawPath = ctx.request().path();
    String path = decode(rawPath == null ? "" : rawPath);
    String problem = path == null ? "is not valid percent-encoded UTF-8" : textProblem(path, false);
    if (problem != null) {
      throw ApiException.badRequest(
          "The request's path cannot be accepted.", List.of(FieldProblem.at("path", problem)));
    }
    List<FieldProblem> found = new ArrayList<>();
    String query = ctx.request().query();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        String field = name == null || textProblem(name, false) != null ? "query" : name;
        String p =
            name == null || value == null
                ? "is not valid percent-encoded UTF-8"
                : textProblem(name + value, false);
        if (p != null) {
          found.add(FieldProblem.at(field, p));
        }
      }
    }
    if (!found.isEmpty()) {
      throw ApiException.badRequest("The request's query cannot be accepted.", found);
    }
    ctx.next();
  }

  /** Percent-decodes (with {@code +} as space), or null if the result is not UTF-8. */
  private static String decode(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0 && s.chars().allMatch(c -> c < 0x80)) {
      return s;
    }
    byte[] out = new byte[s.length() * 4];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out[n++] = (byte) (hi * 16 + lo);
        i += 2;
      } else if (c == '%') {
        return null;
      } else if (c == '+') {
        out[n++] = ' ';
      } else if (c < 0x100) {
        // A byte sent as it is (the request line is read as ISO-8859-1): part of its UTF-8.
        out[n++] = (byte) c;
      } else {
        // A character already decoded: its UTF-8 bytes, and the rest is still decoded and checked.
        int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
        for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
          out[n++] = b;
        }
        i = end - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out, 0, n))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
