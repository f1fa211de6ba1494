// Grades the router's JSON against what the case expects: the intent, and the
// order id copied exactly (a string compare, so "00731" is not "731").
export default function orderFields(output, { vars }) {
  let answer;
  try {
    answer = JSON.parse(output);
  } catch {
    return { pass: false, reason: "output is not JSON, so no fields to check" };
  }
  const problems = [];
  if (answer.intent !== vars.intent) problems.push(`intent is ${JSON.stringify(answer.intent)}, expected ${JSON.stringify(vars.intent)}`);
  if (answer.order_id !== vars.order_id) problems.push(`order_id is ${JSON.stringify(answer.order_id)}, expected ${JSON.stringify(vars.order_id)}`);
  return problems.length === 0
    ? { pass: true, reason: "intent and order_id as expected" }
    : { pass: false, reason: problems.join("; ") };
}
