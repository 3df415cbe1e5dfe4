package travelwatch.mi;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict RFC 4180 reader: UTF-8 (an initial byte-order mark is skipped), comma separated, records
 * ending in CRLF (or LF), fields optionally in double quotes with {@code ""} for a quote inside. A
 * quote in an unquoted field, anything but a comma or line end after a closing quote, an unclosed
 * quote, bytes that are not UTF-8 and control characters are problems, each with its line and
 * column. Reading stops, with a problem, after {@code maxRows} records below the header.
 */
public final class CsvFile {
  /** One record with the line it starts on. */
  public record Row(int line, List<String> fields) {}

  /** The header, the records under it and every problem found. */
  public record Table(List<String> header, List<Row> rows, List<CsvProblem> problems) {}

  private CsvFile() {}

  public static Table read(String file, byte[] bytes, int maxRows) {
    List<CsvProblem> problems = new ArrayList<>();
    String text = decode(file, bytes, problems);
    if (text == null) {
      return new Table(List.of(), List.of(), problems);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    List<Row> records = new ArrayList<>();
    int i = 0;
    int line = 1;
    int n = text.length();
    while (i < n) {
      if (records.size() > maxRows) {
        problems.add(
            new CsvProblem(
                file,
                line,
                0,
                "a return holds at most "
                    + maxRows
                    + " rows below the header; this file has more"));
        break;
      }
      int startLine = line;
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      int column = 1;
      boolean endOfRecord = false;
      while (!endOfRecord) {
        if (i < n && text.charAt(i) == '"') {
          // A quoted field: runs to the closing quote, which must end the field.
          int openLine = line;
          i++;
          boolean closed = false;
          while (i < n) {
            char c = text.charAt(i);
            if (c == '"') {
              if (i + 1 < n && text.charAt(i + 1) == '"') {
                field.append('"');
                i += 2;
                continue;
              }
              i++;
              closed = true;
              break;
            }
            if (c == '\n') {
              line++;
            }
            field.append(c);
            i++;
          }
          if (!closed) {
            problems.add(
                new CsvProblem(file, openLine, column, "a quoted field is not closed by a quote"));
            fields.add(field.toString());
            return finish(file, records, fields, startLine, problems, true);
          }
          if (i < n && text.charAt(i) != ',' && text.charAt(i) != '\r' && text.charAt(i) != '\n') {
            problems.add(
                new CsvProblem(
                    file,
                    line,
                    column,
                    "a closing quote must be followed by a comma or the end of the line"));
            // Skip to the end of the field, so the rest of the line is still read.
            while (i < n && ",\r\n".indexOf(text.charAt(i)) < 0) {
              i++;
            }
          }
        } else {
          while (i < n && ",\r\n".indexOf(text.charAt(i)) < 0) {
            char c = text.charAt(i);
            if (c == '"') {
              problems.add(
                  new CsvProblem(
                      file, line, column, "a quote inside an unquoted field (quote the field)"));
            }
            field.append(c);
            i++;
          }
        }
        String value = field.toString();
        for (int k = 0; k < value.length(); k++) {
          char c = value.charAt(k);
          if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
            problems.add(new CsvProblem(file, line, column, "holds a control character"));
            break;
          }
        }
        fields.add(value);
        field.setLength(0);
        if (i >= n) {
          endOfRecord = true;
        } else if (text.charAt(i) == ',') {
          i++;
          column++;
        } else {
          if (text.charAt(i) == '\r') {
            i++;
            if (i >= n || text.charAt(i) != '\n') {
              problems.add(new CsvProblem(file, line, column, "a carriage return without LF"));
              continue;
            }
          }
          i++;
          line++;
          endOfRecord = true;
        }
      }
      records.add(new Row(startLine, fields));
    }
    return finish(file, records, null, line, problems, false);
  }

  private static Table finish(
      String file,
      List<Row> records,
      List<String> last,
      int lastLine,
      List<CsvProblem> problems,
      boolean broken) {
    if (broken) {
      records.add(new Row(lastLine, last));
    }
    if (records.isEmpty()) {
      problems.add(new CsvProblem(file, 1, 0, "is empty: a header row is required"));
      return new Table(List.of(), List.of(), problems);
    }
    return new Table(
        records.get(0).fields(), List.copyOf(records.subList(1, records.size())), problems);
  }

  /** The text, or null with a problem at the first byte that is not UTF-8. */
  private static String decode(String file, byte[] bytes, List<CsvProblem> problems) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return decoder.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      // Find where: decode up to the bad byte and count lines and columns there.
      ByteBuffer in = ByteBuffer.wrap(bytes);
      CharBuffer out = CharBuffer.allocate(bytes.length + 1);
      decoder.reset().decode(in, out, true);
      out.flip();
      int line = 1;
      int column = 1;
      for (int k = 0; k < out.length(); k++) {
        char c = out.charAt(k);
        if (c == '\n') {
          line++;
          column = 1;
        } else if (c == ',') {
          column++;
        }
      }
      problems.add(
          new CsvProblem(
              file,
              line,
              column,
              "is not UTF-8 (byte "
                  + in.position()
                  + " is not valid UTF-8): save the file as UTF-8"));
      return null;
    }
  }
}
