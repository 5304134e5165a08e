package io.pigsty.builder.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ScramTest {

  @Test
  void matches_rfc7677TestVector() throws Exception {
    // RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, i=4096.
    // The server signature the RFC prints (v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=) is
    // HMAC(ServerKey, AuthMessage): checking it proves our ServerKey, hence SaltedPassword.
    byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    String secret = Scram.secret("pencil", salt, 4096);
    String serverKey = secret.substring(secret.lastIndexOf(':') + 1);
    String authMessage =
        "n=user,r=rOprNGfwEbeRWgbNEkqO,"
            + "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
            + "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(serverKey), "HmacSHA256"));
    String signature =
        Base64.getEncoder()
            .encodeToString(mac.doFinal(authMessage.getBytes(StandardCharsets.UTF_8)));
    assertThat(signature).isEqualTo("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    assertThat(Scram.matches(secret, "pencil")).isTrue();
  }

  @Test
  void matches_wrongPasswordOrOtherFormatIsFalse() throws Exception {
    String secret = Scram.secret("DBUser.Meta", new byte[16], 4096);
    assertThat(Scram.matches(secret, "DBUser.Meta")).isTrue();
    assertThat(Scram.matches(secret, "DBUser.Meta2")).isFalse();
    assertThat(Scram.matches("md5c4ca4238a0b923820dcc509a6f75849b", "x")).isFalse();
    assertThat(Scram.matches(null, "x")).isFalse();
    assertThat(Scram.matches("SCRAM-SHA-256$notanumber:AAAA$AAAA:AAAA", "x")).isFalse();
  }
}
