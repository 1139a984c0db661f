# E-mail address.  Validator email (lib/detect/email.c).
[email]
name = E-mail address
# Local part: dot-atom characters (and * for masked addresses); domain:
# labels of letters, digits and inner hyphens; top-level label letters.
regex = (?<![A-Za-z0-9._%+*-])[A-Za-z0-9._%+*-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])(?!\.[A-Za-z0-9])
validator = email
trigger = at
confidence = high
