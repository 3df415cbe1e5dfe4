package travelwatch.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import travelwatch.access.AccessStore;
import travelwatch.access.PasswordHasher;
import travelwatch.access.Role;
import travelwatch.platform.http.InboundText;

/** {@code users add}: adds a control-room user, or changes an existing user's role and password. */
@Command(
    name = "users",
    mixinStandardHelpOptions = true,
    description = "Manage control-room users.",
    subcommands = UsersCommand.Add.class)
public final class UsersCommand {
  static final int MIN_PASSWORD = 10;

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add a user (or update one).")
  static final class Add implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(
        names = "--email",
        required = true,
        paramLabel = "E",
        description = "The user's email, used to log in.")
    String email;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description = "viewer, controller, manager, admin, or school (with --school).")
    String role;

    @Option(
        names = "--school",
        paramLabel = "SCHOOL",
        description = "For the school role: the id of the school the user sees.")
    String school;

    @Option(
        names = "--password-stdin",
        description = "Read the password from the first line of stdin.")
    boolean passwordStdin;

    @Override
    public Integer call() throws IOException {
      boolean schoolRole = "school".equals(role);
      Role parsed = null;
      if (!schoolRole) {
        try {
          parsed = Role.parse(role);
        } catch (IllegalArgumentException e) {
          System.err.println(
              "travelwatch: --role must be viewer, controller, manager, admin or school");
          return 2;
        }
      }
      if (schoolRole != (school != null)) {
        System.err.println("travelwatch: --school goes with --role school, and only with it");
        return 2;
      }
      if (!email.matches("[^@\\s]+@[^@\\s]+") || InboundText.textProblem(email, false) != null) {
        System.err.println("travelwatch: --email is not an email address");
        return 2;
      }
      char[] password = passwordStdin ? readStdin() : prompt();
      if (password == null || password.length < MIN_PASSWORD) {
        System.err.println(
            "travelwatch: the password must be at least " + MIN_PASSWORD + " characters");
        return 2;
      }
      String hash = PasswordHasher.hash(password);
      Arrays.fill(password, ' ');
      Role staffRole = parsed;
      DatabaseSession.run(
          common.config(),
          pool ->
              schoolRole
                  ? new AccessStore(pool).putSchoolUser(email, school, hash)
                  : new AccessStore(pool).putUser(email, staffRole, hash));
      System.err.println(
          "User "
              + email
              + (schoolRole
                  ? " sees school " + school + "."
                  : " has the " + parsed.wireName() + " role."));
      return 0;
    }

    private static char[] readStdin() throws IOException {
      String line =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      return line == null ? null : line.toCharArray();
    }

    private static char[] prompt() {
      Console console = System.console();
      if (console == null) {
        System.err.println("travelwatch: no terminal to prompt on; use --password-stdin");
        return null;
      }
      char[] first = console.readPassword("Password: ");
      char[] second = console.readPassword("Again: ");
      if (first == null || !Arrays.equals(first, second)) {
        System.err.println("travelwatch: the passwords differ");
        return null;
      }
      return first;
    }
  }
}
