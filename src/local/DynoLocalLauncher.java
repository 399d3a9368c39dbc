import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.Arrays;

/**
 * Starts DynamoDB Local (its jar on the class path) listening on one address only, and ends it
 * when the parent process goes away. Run by dyno-ts/local as a single-file source program:
 *
 * <pre>java -cp DynamoDBLocal.jar DynoLocalLauncher.java HOST PORT [DynamoDB Local options]</pre>
 *
 * The jar's own main binds every interface and has no bind option, but its ServerRunner builds
 * the server without starting it, so the Jetty connector's host (and port, which may be 0 for
 * "any free port") is set here before start. Only reflection is used, so that compiling this
 * file needs nothing but the JDK's own classes.
 *
 * Protocol, one line each on stdout:
 *   "dyno-ts-local listening ADDRESS PORT"  once the connector is bound and serving;
 *   "dyno-ts-local bind-failed MESSAGE"     then exit 3, when the address is taken;
 *   "dyno-ts-local unsupported MESSAGE"     then exit 4, when the jar is not the one expected.
 * Watchdog: stdin is a pipe the parent holds; end of file (the parent called stop(), exited or
 * was killed, however) halts the JVM at once.
 */
public class DynoLocalLauncher {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String[] localArgs = Arrays.copyOfRange(args, 2, args.length);

    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // the parent never writes; anything read is ignored
        }
      } catch (Exception ignored) {
        // a broken pipe means the same as end of file
      }
      Runtime.getRuntime().halt(0);
    }, "dyno-ts-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    Object proxy;
    Object connector;
    try {
      Class<?> runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner");
      Method create = runner.getMethod("createServerFromCommandLineArgs", String[].class);
      proxy = create.invoke(null, (Object) localArgs);
      Field serverField = proxy.getClass().getDeclaredField("server");
      serverField.setAccessible(true);
      Object server = serverField.get(proxy);
      Object[] connectors = (Object[]) server.getClass().getMethod("getConnectors").invoke(server);
      if (connectors.length != 1) {
        throw new IllegalStateException(connectors.length + " connectors, expected 1");
      }
      connector = connectors[0];
      connector.getClass().getMethod("setHost", String.class).invoke(connector, host);
      connector.getClass().getMethod("setPort", int.class).invoke(connector, port);
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.out.println("dyno-ts-local unsupported " + describe(e));
      System.out.flush();
      Runtime.getRuntime().halt(4);
      return;
    }

    try {
      // safeStart: start without the telemetry call and without swallowing bind errors
      proxy.getClass().getMethod("safeStart").invoke(proxy);
    } catch (Exception e) {
      System.out.println("dyno-ts-local bind-failed " + describe(e));
      System.out.flush();
      Runtime.getRuntime().halt(3);
      return;
    }

    // Report the address the socket really is bound to, not the one asked for.
    Object transport = connector.getClass().getMethod("getTransport").invoke(connector);
    InetSocketAddress bound =
        (InetSocketAddress) ((ServerSocketChannel) transport).getLocalAddress();
    System.out.println(
        "dyno-ts-local listening " + bound.getAddress().getHostAddress() + " " + bound.getPort());
    System.out.flush();
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) root = root.getCause();
    return (root.getClass().getSimpleName() + ": " + root.getMessage()).replace('\n', ' ');
  }
}
