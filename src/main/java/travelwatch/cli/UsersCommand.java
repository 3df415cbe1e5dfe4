package travelwatch.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import travelwatch.access.AccessStore;
import travelwatch.access.PasswordHasher;
import travelwatch.access.Role;
import travelwatch.platform.http.InboundText;

/**
 * {@code users add}: adds a control-room user, or changes an existing user's role and password.
 * {@code users list}, {@code disable}, {@code set-role} and {@code set-password} look after them: a
 * new role or password ends the user's sessions, disabling ends them and refuses their logins.
 */
@Command(
    name = "users",
    mixinStandardHelpOptions = true,
    description = "Manage control-room users.",
    subcommands = {
      UsersCommand.Add.class,
      UsersCommand.ListUsers.class,
      UsersCommand.Disable.class,
      UsersCommand.SetRole.class,
      UsersCommand.SetPassword.class
    })
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

    @Mixin RoleOptions asked;

    @Option(
        names = "--password-stdin",
        description = "Read the password from the first line of stdin.")
    boolean passwordStdin;

    @Override
    public Integer call() throws IOException {
      if (!asked.valid()) {
        return 2;
      }
      boolean schoolRole = asked.isSchool();
      String school = asked.school;
      if (!email.matches("[^@\\s]+@[^@\\s]+") || InboundText.textProblem(email, false) != null) {
        System.err.println("travelwatch: --email is not an email address");
        return 2;
      }
      String hash = newPasswordHash(passwordStdin);
      if (hash == null) {
        return 2;
      }
      Role staffRole = schoolRole ? null : Role.parse(asked.role);
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
                  : " has the " + staffRole.wireName() + " role."));
      return 0;
    }
  }

  static char[] readStdin() throws IOException {
    String line =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    return line == null ? null : line.toCharArray();
  }

  static char[] prompt() {
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

  /** {@code --role} and, for the school role, {@code --school}. */
  static final class RoleOptions {
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

    boolean isSchool() {
      return "school".equals(role);
    }

    /** True when the role is one there is, with a school exactly when it is the school role. */
    boolean valid() {
      if (!isSchool()) {
        try {
          Role.parse(role);
        } catch (IllegalArgumentException e) {
          System.err.println(
              "travelwatch: --role must be viewer, controller, manager, admin or school");
          return false;
        }
      }
      if (isSchool() != (school != null)) {
        System.err.println("travelwatch: --school goes with --role school, and only with it");
        return false;
      }
      return true;
    }
  }

  /** The password from stdin or the terminal, checked for length; null (said why) if unusable. */
  static String newPasswordHash(boolean passwordStdin) throws IOException {
    char[] password = passwordStdin ? readStdin() : prompt();
    if (password == null || password.length < MIN_PASSWORD) {
      System.err.println(
          "travelwatch: the password must be at least " + MIN_PASSWORD + " characters");
      return null;
    }
    String hash = PasswordHasher.hash(password);
    Arrays.fill(password, ' ');
    return hash;
  }

  /** Applies a change to the user with this email; 1 with a message if there is none. */
  static int change(
      CommonOptions common, String email, AccessStore.UserChange change, String done) {
    var changed =
        DatabaseSession.run(
            common.config(),
            pool -> new AccessStore(pool).changeUser(email, change, null, Instant.now()));
    if (changed.isEmpty()) {
      System.err.println("travelwatch: there is no user " + email);
      return 1;
    }
    System.err.println(done);
    return 0;
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List every user: email, role, school, disabled, locked until.")
  static final class ListUsers implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Override
    public Integer call() {
      var users =
          DatabaseSession.run(
              common.config(), pool -> new AccessStore(pool).users(null, Instant.now()));
      System.out.println("email\trole\tschoolId\tdisabledAt\tlockedUntil");
      for (AccessStore.UserListing u : users) {
        System.out.println(
            u.email()
                + "\t"
                + u.role()
                + "\t"
                + (u.schoolId() == null ? "-" : u.schoolId())
                + "\t"
                + (u.disabledAt() == null ? "-" : u.disabledAt())
                + "\t"
                + (u.lockedUntil() == null ? "-" : u.lockedUntil()));
      }
      return 0;
    }
  }

  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description = "Disable a user: their sessions end and they can no longer log in.")
  static final class Disable implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(names = "--email", required = true, paramLabel = "E", description = "The user's email.")
    String email;

    @Override
    public Integer call() {
      return change(
          common,
          email,
          new AccessStore.UserChange(null, null, null, true),
          "User " + email + " is disabled; their sessions have ended.");
    }
  }

  @Command(
      name = "set-role",
      mixinStandardHelpOptions = true,
      description = "Change a user's role; their sessions end.")
  static final class SetRole implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(names = "--email", required = true, paramLabel = "E", description = "The user's email.")
    String email;

    @Mixin RoleOptions asked;

    @Override
    public Integer call() {
      if (!asked.valid()) {
        return 2;
      }
      return change(
          common,
          email,
          new AccessStore.UserChange(asked.role, asked.school, null, null),
          "User " + email + " has the " + asked.role + " role; their sessions have ended.");
    }
  }

  @Command(
      name = "set-password",
      mixinStandardHelpOptions = true,
      description = "Set a user's password (prompted, or --password-stdin); their sessions end.")
  static final class SetPassword implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(names = "--email", required = true, paramLabel = "E", description = "The user's email.")
    String email;

    @Option(
        names = "--password-stdin",
        description = "Read the password from the first line of stdin.")
    boolean passwordStdin;

    @Override
    public Integer call() throws IOException {
      String hash = newPasswordHash(passwordStdin);
      if (hash == null) {
        return 2;
      }
      return change(
          common,
          email,
          new AccessStore.UserChange(null, null, hash, null),
          "User " + email + " has a new password; their sessions have ended.");
    }
  }
}
