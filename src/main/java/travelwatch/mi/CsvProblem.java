package travelwatch.mi;

/**
 * One problem in an uploaded CSV file: the file ({@code crew} or {@code runs}), its line (1 is the
 * header) and column (1 is the first; 0 when the problem is the whole line or file), and why.
 */
public record CsvProblem(String file, int line, int column, String message) {}
