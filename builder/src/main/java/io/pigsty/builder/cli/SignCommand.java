package io.pigsty.builder.cli;

import io.pigsty.builder.release.ReleaseSums;
import io.pigsty.repo.sign.BundleKey;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pigsty sign FILE...}: detached signatures with the bundle key (release SHA256SUMS). */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {
      "Sign files with the bundle signing key: writes FILE.asc next to each FILE (a "
          + "detached ASCII-armored OpenPGP signature, SHA-512) that 'gpgv --keyring pigsty.gpg "
          + "FILE.asc FILE' and 'pigsty verify --sums' accept. Signature time: SOURCE_DATE_EPOCH "
          + "when set (raised to the key's creation time), else now."
    })
final class SignCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "FILE",
      arity = "1..*",
      description = "Files to sign, e.g. dist/SHA256SUMS.")
  List<Path> files;

  @Option(
      names = "--keyring",
      paramLabel = "FILE",
      description = "Also write the public key there (binary keyring, e.g. dist/pigsty.gpg).")
  Path keyring;

  @Mixin CommonOptions common;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new NoSuchFileException(f.toString(), null, "No such file or directory");
      }
    }
    BundleKey key = common.bundleKey();
    Instant when = CommonOptions.sourceDateEpoch().orElseGet(Instant::now);
    for (Path f : files) {
      Path sig = ReleaseSums.sign(f, key, when);
      spec.commandLine().getOut().printf("%s: signed by %s%n", sig, key.fingerprint());
    }
    if (keyring != null) {
      ReleaseSums.writeKeyring(keyring, key);
      spec.commandLine().getOut().printf("%s: public key %s%n", keyring, key.fingerprint());
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
