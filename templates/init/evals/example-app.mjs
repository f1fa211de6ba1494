// A stand-in for your app, so the example suite runs as soon as it is scaffolded.
let input = "";
for await (const chunk of process.stdin) input += chunk;
const { prompt } = JSON.parse(input);
console.log(prompt.includes("return") ? "Our returns window is 30 days from delivery." : "How can I help?");
