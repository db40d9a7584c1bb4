// Cleans one contact: a trimmed, lower-case email, first and last name, an upper-case country.
function transform(row, ctx) {
  const email = row.email.trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/.test(email)) {
    throw new Error(`not an email address: '${row.email}'`);
  }
  const parts = row.name.trim().split(/\s+/);
  return {
    first: parts[0],
    last: parts.slice(1).join(' '),
    email: email,
    country: row.country.trim().toUpperCase() || ctx.vars.defaultCountry
  };
}
