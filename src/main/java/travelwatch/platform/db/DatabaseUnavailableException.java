package travelwatch.platform.db;

/** PostgreSQL could not be reached or prepared at start; the message says which and why. */
public final class DatabaseUnavailableException extends RuntimeException {
  public DatabaseUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
