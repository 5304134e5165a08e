package io.pigsty.builder.ha;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pigsty.builder.inventory.Inventory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A client of Patroni's REST API (Patroni docs, "Patroni REST API"): {@code GET /cluster} and
 * {@code POST /switchover}. Reads are unauthenticated, as Patroni serves them; the switchover sends
 * the {@code restapi.authentication} login ({@code patroni_username}/{@code patroni_password}) as
 * HTTP basic auth. Each request has its own timeout; nothing is retried here.
 */
public final class PatroniApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Largest /cluster answer read, in bytes (a few hundred per member). */
  static final int MAX_BODY = 1 << 20;

  /**
   * One member as {@code GET /cluster} lists it.
   *
   * @param name the instance name ({@code pg-test-1})
   * @param role {@code leader}, {@code replica}, {@code sync_standby} or {@code standby_leader}
   * @param state {@code running}, {@code streaming}, {@code stopped}, {@code starting} ...
   * @param host the address PostgreSQL listens on
   * @param timeline the member's timeline, 0 when not given
   * @param lagBytes replication lag in bytes, or -1 when not given or {@code unknown}
   * @param nofailover the member carries the {@code nofailover} tag
   */
  public record Member(
      String name,
      String role,
      String state,
      String host,
      long timeline,
      long lagBytes,
      boolean nofailover) {
    /**
     * @return the member holds the leader key
     */
    public boolean leader() {
      return role.equals("leader") || role.equals("standby_leader");
    }

    /**
     * @return PostgreSQL is up on the member ({@code running} or {@code streaming})
     */
    public boolean up() {
      return state.equals("running") || state.equals("streaming");
    }
  }

  private final HttpClient http;
  private final int port;
  private final String user;
  private final Inventory.Password password;
  private final Duration timeout;

  /**
   * @param port the REST API port on every member (Patroni's 8008)
   * @param user {@code patroni_username}, sent on unsafe requests
   * @param password {@code patroni_password}, clear text
   * @param timeout connect and response timeout of one request
   */
  public PatroniApi(int port, String user, Inventory.Password password, Duration timeout) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port);
    }
    this.port = port;
    this.user = Objects.requireNonNull(user, "user");
    this.password = Objects.requireNonNull(password, "password");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /**
   * @return {@code http://HOST:PORT/PATH}
   */
  URI uri(String host, String path) {
    return URI.create("http://" + host + ":" + port + path);
  }

  /**
   * {@code GET /cluster} on one member.
   *
   * @param host the member's address
   * @return the members in Patroni's order
   * @throws HaException no answer, a status other than 200, or not Patroni's JSON (URL named)
   */
  public List<Member> cluster(String host) throws HaException {
    URI u = uri(host, "/cluster");
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(u).timeout(timeout).GET().build(), u);
    if (r.statusCode() != 200) {
      throw new HaException(u + ": HTTP " + r.statusCode() + " " + text(r.body()));
    }
    return parseCluster(r.body(), u.toString());
  }

  /**
   * {@code GET /cluster} on the members of a cluster in inventory order, up to the first that
   * answers.
   *
   * @param cluster the inventory's cluster
   * @param errors receives each failed member's error (its URL and reason), in order
   * @return that member's answer, or null when none answered
   */
  public List<Member> cluster(Inventory.PgCluster cluster, List<String> errors) {
    for (Inventory.PgInstance i : cluster.instances()) {
      try {
        return cluster(i.ip());
      } catch (HaException e) {
        errors.add(e.getMessage());
      }
    }
    return null;
  }

  /**
   * {@code POST /switchover} with {@code {"leader": L, "candidate": C}}. Patroni answers once the
   * leader key has moved (200) or after it gave up waiting (503), so this call can take as long as
   * Patroni's own wait (about 30 s); give the constructor's timeout room for that.
   *
   * @param host the member asked (any member writes the request into the DCS)
   * @param leader the current leader's name
   * @param candidate the member to take over, or null to let Patroni pick the healthiest
   * @return Patroni's answer text ({@code Successfully switched over to "pg-test-2"})
   * @throws HaException no answer, or Patroni refused (its status and text)
   */
  public String switchover(String host, String leader, String candidate) throws HaException {
    URI u = uri(host, "/switchover");
    var body = JSON.createObjectNode().put("leader", leader);
    if (candidate != null) {
      body.put("candidate", candidate);
    }
    String auth =
        Base64.getEncoder()
            .encodeToString((user + ":" + password.text()).getBytes(StandardCharsets.UTF_8));
    HttpRequest req =
        HttpRequest.newBuilder(u)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Authorization", "Basic " + auth)
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    HttpResponse<byte[]> r = send(req, u);
    String text = text(r.body());
    if (r.statusCode() != 200) {
      throw new HaException(
          "Patroni refused the switchover at " + u + ": HTTP " + r.statusCode() + " " + text);
    }
    return text;
  }

  private HttpResponse<byte[]> send(HttpRequest req, URI u) throws HaException {
    try {
      HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
      if (r.body().length > MAX_BODY) {
        throw new HaException(u + ": answer larger than " + MAX_BODY + " bytes");
      }
      return r;
    } catch (IOException e) {
      throw new HaException(u + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HaException(u + ": interrupted", e);
    }
  }

  /** Patroni's text, on one line, control bytes and length bounded for a message. */
  static String text(byte[] body) {
    String s = new String(body, StandardCharsets.UTF_8).strip().replaceAll("[\\p{Cntrl}]", " ");
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  /**
   * Parses a {@code GET /cluster} answer.
   *
   * @param body the JSON document
   * @param source the URL, for messages
   * @return the members in document order
   * @throws HaException not JSON, no {@code members} array, or a member without name, role or state
   */
  public static List<Member> parseCluster(byte[] body, String source) throws HaException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new HaException(source + ": not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new HaException(source + ": not JSON: " + e.getMessage(), e);
    }
    JsonNode ms = root == null ? null : root.get("members");
    if (ms == null || !ms.isArray()) {
      throw new HaException(source + ": no 'members' array");
    }
    List<Member> out = new ArrayList<>();
    for (JsonNode m : ms) {
      String name = m.path("name").asText("");
      String role = m.path("role").asText("");
      String state = m.path("state").asText("");
      if (name.isEmpty() || role.isEmpty() || state.isEmpty()) {
        throw new HaException(source + ": a member without name, role or state: " + m);
      }
      JsonNode lag = m.get("lag");
      out.add(
          new Member(
              name,
              role,
              state,
              m.path("host").asText(""),
              m.path("timeline").asLong(0),
              lag != null && lag.canConvertToLong() ? lag.asLong() : -1,
              m.path("tags").path("nofailover").asBoolean(false)));
    }
    return out;
  }
}
