// A TypeScript program: run through tsx, its operations must point at these lines, not the JS.
interface Job {
  name: string;
  ms: number;
}

const jobs: Job[] = [
  { name: 'a', ms: 10 },
  { name: 'b', ms: 20 },
];

for (const job of jobs) {
  setTimeout(() => console.log(`${job.name} done`), job.ms);
}
